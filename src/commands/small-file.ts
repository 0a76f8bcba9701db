import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { UserError } from '../core/errors.js';

/** Why a file could not be read, in words rather than Node's "ENOENT: no such file or directory, open '…'". */
function readProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return err instanceof Error ? err.message : String(err);
}

/**
 * A small file a flag names (a token, a certificate), read whole but never more
 * than `maxBytes` (a device or a huge file is refused, not read); `what` names
 * it in the one-line error, e.g. "--token-file /etc/tmon/token".
 */
export function readSmallFile(path: string, what: string, maxBytes = 1024 * 1024): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new UserError(`cannot read ${what}: ${readProblem(err)}`);
  }
  try {
    if (fstatSync(fd).isDirectory()) throw new UserError(`cannot read ${what}: it is a directory`);
    const buf = Buffer.alloc(maxBytes + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n <= maxBytes; n += got) got = readSync(fd, buf, n, maxBytes + 1 - n, null);
    if (n > maxBytes) throw new UserError(`cannot read ${what}: larger than ${maxBytes} bytes, which is not what it should hold`);
    return buf.subarray(0, n);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot read ${what}: ${readProblem(err)}`);
  } finally {
    closeSync(fd);
  }
}
