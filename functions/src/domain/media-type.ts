/**
 * The media types Postcast accepts, recognised from their first bytes (never from a header or a
 * file name, which a caller controls), with the size limit of their kind.
 */
export type MediaKind = "image" | "video";

export interface MediaType {
  contentType: string;
  extension: string;
  kind: MediaKind;
}

export const MEDIA_LIMITS: Record<MediaKind, number> = {
  image: 50 * 1024 * 1024,
  video: 500 * 1024 * 1024,
};

/** Bytes enough to recognise every accepted type (an MP4's `ftyp` brand, an EBML DocType). */
export const SNIFF_BYTES = 4096;

const JPEG: MediaType = { contentType: "image/jpeg", extension: "jpg", kind: "image" };
const PNG: MediaType = { contentType: "image/png", extension: "png", kind: "image" };
const GIF: MediaType = { contentType: "image/gif", extension: "gif", kind: "image" };
const WEBP: MediaType = { contentType: "image/webp", extension: "webp", kind: "image" };
const MP4: MediaType = { contentType: "video/mp4", extension: "mp4", kind: "video" };
const MOV: MediaType = { contentType: "video/quicktime", extension: "mov", kind: "video" };
const WEBM: MediaType = { contentType: "video/webm", extension: "webm", kind: "video" };
const MKV: MediaType = { contentType: "video/x-matroska", extension: "mkv", kind: "video" };

const startsWith = (b: Buffer, bytes: number[], at = 0) => bytes.every((v, i) => b[at + i] === v);
const ascii = (b: Buffer, from: number, to: number) => b.subarray(from, to).toString("latin1");

/** The type of a file from its first bytes (up to SNIFF_BYTES), or null when it is not accepted. */
export function sniffMediaType(head: Buffer): MediaType | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return JPEG;
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return PNG;
  if (ascii(head, 0, 6) === "GIF87a" || ascii(head, 0, 6) === "GIF89a") return GIF;
  if (ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 12) === "WEBP") return WEBP;
  if (ascii(head, 4, 8) === "ftyp") return isoBrand(ascii(head, 8, 12));
  // QuickTime files may open with other atoms before (or instead of) `ftyp`.
  if (["moov", "mdat", "wide", "free", "skip"].includes(ascii(head, 4, 8)) && head.length >= 8) return MOV;
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return ebmlDocType(head);
  return null;
}

/** ISO base media: QuickTime's brand is `qt  `; the others accepted are MP4 family brands. */
function isoBrand(brand: string): MediaType | null {
  if (brand === "qt  ") return MOV;
  if (/^(isom|iso[2-9]|mp41|mp42|avc1|dash|M4V |M4VP|f4v |mmp4|MSNV|3gp[4-6]|3g2a)$/.test(brand)) return MP4;
  return null;
}

/** Matroska and WebM share EBML; the header's DocType (element 0x4282) tells them apart. */
function ebmlDocType(head: Buffer): MediaType | null {
  const at = head.indexOf(Buffer.from([0x42, 0x82]));
  if (at < 0 || at + 3 >= head.length) return null;
  const sizeByte = head[at + 2]!;
  // A one-byte EBML size: 1xxxxxxx.
  if ((sizeByte & 0x80) === 0) return null;
  const docType = ascii(head, at + 3, at + 3 + (sizeByte & 0x7f));
  if (docType === "webm") return WEBM;
  if (docType === "matroska") return MKV;
  return null;
}

/** Every accepted type, for callers that declare one (a resumable upload's session). */
export const ACCEPTED_MEDIA_TYPES: readonly MediaType[] = [JPEG, PNG, GIF, WEBP, MP4, MOV, WEBM, MKV];

/** The accepted type a declared Content-Type names (parameters and case ignored), or null. */
export function acceptedMediaType(contentType: string): MediaType | null {
  const bare = contentType.split(";")[0]!.trim().toLowerCase();
  return ACCEPTED_MEDIA_TYPES.find((t) => t.contentType === bare) ?? null;
}
