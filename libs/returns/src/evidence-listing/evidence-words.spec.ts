import { fileSizeInWords, fileTypeInWords } from './evidence-words.js';

describe('a file in words', () => {
  it.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [999, '999 bytes'],
    [1000, '1 KB'],
    [1500, '1.5 KB'],
    [340_123, '340 KB'],
    [2_100_000, '2.1 MB'],
    [2_149_999, '2.1 MB'],
    [20_000_000, '20 MB'],
    [999_999, '1 MB'],
    [1_250_000_000, '1.3 GB'],
  ])('%d bytes is "%s"', (bytes, words) => {
    expect(fileSizeInWords(bytes)).toBe(words);
  });

  it('names the type sniffed from the content, not the name', () => {
    expect(fileTypeInWords('application/pdf', 'pdf')).toBe('PDF');
    expect(
      fileTypeInWords('application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'docx'),
    ).toBe('Word document');
    expect(fileTypeInWords('image/png', 'png')).toBe('PNG image');
    expect(fileTypeInWords('text/csv; charset=utf-8', 'csv')).toBe('CSV spreadsheet');
  });

  it('falls back to the extension, or to "File" for one that could not be shown safely', () => {
    expect(fileTypeInWords('application/zip', 'zip')).toBe('ZIP file');
    expect(fileTypeInWords('image/x-unknown', '')).toBe('Image');
    expect(fileTypeInWords('application/octet-stream', '../x')).toBe('File');
  });
});
