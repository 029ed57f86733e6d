/** Shared by the backend protocol tests: the TrackerRemoteError a call rejects with. */
import { TrackerRemoteError } from '../../../src/tracker/sink.js';

export async function remoteFailure(p: Promise<unknown>): Promise<TrackerRemoteError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(TrackerRemoteError);
    return err as TrackerRemoteError;
  }
  throw new Error('expected the call to fail');
}
