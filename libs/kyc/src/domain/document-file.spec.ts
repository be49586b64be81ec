import { sniffDocumentFormat } from './document-file';

describe('document formats by magic bytes', () => {
  it('recognises JPEG, PNG and PDF, and nothing else', () => {
    expect(sniffDocumentFormat(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1]))).toBe('image/jpeg');
    expect(sniffDocumentFormat(Buffer.from('89504e470d0a1a0a0000', 'hex'))).toBe('image/png');
    expect(sniffDocumentFormat(Buffer.from('%PDF-1.7\n'))).toBe('application/pdf');
    expect(sniffDocumentFormat(Buffer.from('GIF89a'))).toBeNull();
    expect(sniffDocumentFormat(Buffer.from([0xff, 0xd8]))).toBeNull();
    expect(sniffDocumentFormat(Buffer.alloc(0))).toBeNull();
  });
});
