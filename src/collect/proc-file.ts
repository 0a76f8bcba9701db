import fs from 'node:fs';

/**
 * Reads small /proc files synchronously into one reused buffer.
 *
 * Synchronous open/read/close with a reused buffer costs ~14 µs per
 * /proc/<pid>/stat here (a re-read through a kept fd ~7.5 µs); readFileSync
 * (a fresh buffer per file) is slower and fs.promises + Promise.all ~10x. The content is valid only until the next
 * read(), so callers parse it straight away. Not re-entrant, which is fine:
 * all reads are synchronous.
 */
export class ProcFile {
  buf: Buffer;
  /** fds kept open on files read every tick (/proc/stat, /proc/meminfo …), by path. */
  private readonly kept = new Map<string, number>();

  /**
   * `keep`: files read through readKept() stay open between reads. Only for
   * procfs, where a read at offset 0 regenerates the content; a regular file
   * replaced under a kept fd would keep showing its old content.
   */
  constructor(
    private readonly keep = false,
    initialSize = 16 * 1024,
  ) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Like read(), for a file read again and again: one pread per call instead of open/read/close. */
  readKept(path: string): number {
    if (!this.keep) return this.read(path);
    let fd = this.kept.get(path);
    if (fd !== undefined) {
      const n = this.readAt(fd);
      if (n >= 0) return n;
      fs.closeSync(fd);
      this.kept.delete(path);
    }
    fd = this.open(path);
    if (fd < 0) return -1;
    this.kept.set(path, fd);
    return this.readAt(fd);
  }

  /** Closes the kept fds; reads still work afterwards, through open/read/close. */
  close(): void {
    for (const fd of this.kept.values()) fs.closeSync(fd);
    this.kept.clear();
  }

  /**
   * Reads the whole file; returns its length in `buf`, or -1 when it is gone or
   * unreadable (a process that exited, hidepid, a kernel without the file).
   */
  read(path: string): number {
    const fd = this.open(path);
    if (fd < 0) return -1;
    try {
      return this.readAt(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** An fd for `path`, or -1. For files read again and again through readAt(). */
  open(path: string): number {
    try {
      return fs.openSync(path, 'r');
    } catch {
      return -1;
    }
  }

  /**
   * Reads the file behind `fd` from its start. procfs generates the content
   * afresh on a read at offset 0, so a kept fd gives new figures every time
   * without the path lookup of open(). -1 on error: ESRCH once the process is gone.
   */
  readAt(fd: number): number {
    try {
      let len = 0;
      for (;;) {
        if (len === this.buf.length) this.grow();
        // /proc/<pid>/stat fits in the first read, which is what makes it one consistent snapshot.
        const room = this.buf.length - len;
        const n = fs.readSync(fd, this.buf, len, room, len);
        len += n;
        // A read that did not fill the room reached the end: skipping the read that
        // would return 0 halves the syscalls per file.
        if (n < room) return len;
      }
    } catch {
      return -1;
    }
  }

  /** The file as text, or null when it could not be read. For per-tick system files, not per-process ones. */
  text(path: string, kept = false): string | null {
    const n = kept ? this.readKept(path) : this.read(path);
    return n < 0 ? null : this.buf.toString('utf8', 0, n);
  }

  private grow(): void {
    const bigger = Buffer.allocUnsafe(this.buf.length * 2);
    this.buf.copy(bigger);
    this.buf = bigger;
  }
}
