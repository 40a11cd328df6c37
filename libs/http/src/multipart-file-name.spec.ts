import { fileNameAsSeen } from './multipart-file-name.js';

describe('a multipart file name as the person saw it', () => {
  it('turns back the %22, %0D and %0A a browser sends for ", CR and LF', () => {
    expect(fileNameAsSeen('Minutes %22final%22.pdf')).toBe('Minutes "final".pdf');
    expect(fileNameAsSeen('a%0D%0Ab.pdf')).toBe('a\r\nb.pdf');
  });

  it('leaves every other percent sign as typed: a browser does not encode %', () => {
    expect(fileNameAsSeen('100% done %2F %20 %0d %2522.pdf')).toBe('100% done %2F %20 %0d %2522.pdf');
    expect(fileNameAsSeen('café.pdf')).toBe('café.pdf');
  });
});
