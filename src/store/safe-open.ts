import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { UserError, errorMessage } from '../core/errors.js';

export interface OpenedFile {
  fd: number;
  size: number;
}

/**
 * Opens a file for reading only if it is a regular file: never blocks on a
 * FIFO (O_NONBLOCK, then fstat before any read), and with `followLink: false`
 * (files found in a store directory) never follows a symbolic link out of it.
 * Throws UserError with one line naming `label`.
 */
export function openRegularFile(path: string, label: string, opts: { followLink: boolean }): OpenedFile {
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | (opts.followLink ? 0 : constants.O_NOFOLLOW);
  let fd: number;
  try {
    fd = openSync(path, flags);
  } catch (err) {
    throw openError(err, label);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UserError(`${label} is not a tmon recording (${st.isDirectory() ? 'a directory' : 'not a regular file'})`);
    return { fd, size: st.size };
  } catch (err) {
    closeSync(fd);
    throw err instanceof UserError ? err : new UserError(`cannot read ${label}: ${errorMessage(err)}`);
  }
}

/** One line for a failed open(2) of `label`. */
export function openError(err: unknown, label: string): UserError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new UserError(`${label}: no such file`);
  if (code === 'ELOOP') return new UserError(`${label} is a symbolic link: not followed`);
  if (code === 'EACCES' || code === 'EPERM') return new UserError(`cannot read ${label}: permission denied`);
  return new UserError(`cannot read ${label}: ${errorMessage(err)}`);
}
