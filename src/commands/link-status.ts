import type { RemoteSource } from '../transport/remote-source.js';

/** The status-bar words for a remote link: nothing while live, otherwise its state and problem. */
export function linkStatus(source: Pick<RemoteSource, 'state' | 'lastError'>): string {
  if (source.state === 'live') return '';
  return source.lastError ? `${source.state}: ${source.lastError}` : source.state;
}
