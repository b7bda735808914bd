/** The controller's version, in its birth, its started event and the API's OpenAPI document. */
export const CONTROLLER_VERSION = '0.1.0';
