/**
 * Recognizing credentials in configuration maps (internal: not exported from the package).
 */

/** Last segments of configuration keys that hold credentials. */
const CREDENTIAL_KEY = /((secret|password|passwd|token|credentials?)|(^|[.\-_])(access|secret|account|private)[.\-_]?key(id)?)$/i;
/** Keys that name where or how credentials are found, not the credentials themselves. */
const CREDENTIAL_POINTER = /(provider|providers|file|path|type|class|enabled|endpoint|url|name|mode|alias|location)$/i;

/** Whether a configuration key looks like it holds a credential. */
export function isCredentialKey(key: string): boolean {
  return CREDENTIAL_KEY.test(key) && !CREDENTIAL_POINTER.test(key);
}
