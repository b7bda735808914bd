/** The onvif library's callback API, one call as a promise (its promise wrapper's generated types drop arguments). */
export function call<T>(run: (done: (err: Error | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value as T))));
}
