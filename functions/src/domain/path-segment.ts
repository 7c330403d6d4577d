/**
 * What a caller may put in one segment of a path that names a stored thing. Express hands routes
 * their segments already percent-decoded, so `a%2Fb` arrives as `a/b` and `..%2F` as `../`: a
 * segment is checked after decoding, never before.
 */

/** Firestore's limit on a document id, in UTF-8 bytes. */
const MAX_ID_BYTES = 1500;

/** One name: not empty, not `.` or `..`, without separators (`/`, `\`) or control characters. */
export function isPlainSegment(segment: string): boolean {
  return (
    segment.length > 0 &&
    segment !== "." &&
    segment !== ".." &&
    // eslint-disable-next-line no-control-regex
    !/[/\\\u0000-\u001f\u007f]/.test(segment) &&
    Buffer.byteLength(segment, "utf8") <= MAX_ID_BYTES
  );
}

/**
 * A document id Firestore accepts (a plain segment, not reserved `__…__`): an id in a URL that is
 * not one cannot name anything stored, so it is a 404 rather than a call Firestore would refuse.
 */
export function isDocumentId(segment: string): boolean {
  return isPlainSegment(segment) && !/^__.*__$/.test(segment);
}
