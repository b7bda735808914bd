/**
 * Secrets by reference: a config names an environment variable or a file, never the secret itself.
 * A file must be readable by its owner only (mode 0600), as ssh insists for its keys, or also by its
 * group (0640): Debian's layout for a service's secrets, root-owned and read through the service's own
 * group (deploy/systemd: root:onair), so the service cannot rewrite them. Others: never; the group: never write.
 */
import { readFileSync, statSync } from 'node:fs';

export interface SecretReference {
  env?: string | undefined;
  file?: string | undefined;
}

/** The secret, undefined when none is named; throws with a clear reason when one is named but unusable. */
export function readSecret(ref: SecretReference, what: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (ref.env && ref.file) throw new Error(`${what}: name the password by an environment variable or a file, not both`);
  if (ref.env) {
    const value = env[ref.env];
    if (value === undefined) throw new Error(`${what}: the password variable ${ref.env} is not set`);
    return value;
  }
  if (ref.file)
    return readPrivateFile(ref.file, `${what}: the password file`)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  return undefined;
}

/** A file only its owner may read (a password, a private key); `what` starts the error ("broker: the key file"). */
export function readPrivateFile(file: string, what: string): Buffer {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (err) {
    throw new Error(`${what} ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
  const octal = (mode & 0o777).toString(8);
  if ((mode & 0o007) !== 0)
    throw new Error(`${what} ${file} is readable by others (mode ${octal}); chmod 600 it (or 640, its group the service's own)`);
  if ((mode & 0o030) !== 0) throw new Error(`${what} ${file} is writable by its group (mode ${octal}); chmod 640 it`);
  return readFileSync(file);
}
