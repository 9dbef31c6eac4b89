/** A public data file that is not on this machine: said in one line, without a stack. */
export class MissingDataError extends Error {
  constructor(what: string, path: string, variable: string) {
    super(`${what} not found at ${path} (set ${variable}, or SHARED_DATA_DIR to move the whole folder; see the folder's README)`);
    this.name = 'MissingDataError';
  }
}
