/** The file formats a KYC document may be sent in, recognised by their first bytes (never by name or header). */
export type DocumentFormat = 'image/jpeg' | 'image/png' | 'application/pdf';

/** The format of `bytes` by its magic number, or null when it is none of JPEG, PNG or PDF. */
export function sniffDocumentFormat(bytes: Uint8Array): DocumentFormat | null {
  const starts = (signature: number[]) =>
    bytes.length >= signature.length && signature.every((byte, index) => bytes[index] === byte);
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  return null;
}
