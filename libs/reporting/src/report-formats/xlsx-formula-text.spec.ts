import ExcelJS from 'exceljs';
import { keepFormulaTextAsText } from './xlsx-formula-text.js';

describe('keepFormulaTextAsText', () => {
  const formatOf = (value: ExcelJS.CellValue) => {
    const sheet = new ExcelJS.Workbook().addWorksheet('Measures');
    return keepFormulaTextAsText(sheet.addRow([value])).getCell(1).numFmt;
  };

  it.each([
    ['=HYPERLINK("http://x.example","click")'],
    ["=cmd|' /C calc'!A0"],
    ['@SUM(A1)'],
    ['+A1'],
    ['-2+3+cmd|x'],
    ['-5% on last year'],
    [' =1+1'],
    ['\t=1+1'],
    ['\r=1+1'],
    ['\ufeff=1+1'],
    ['\uff1d1+1'],
  ])('formats %j as Text', (value) => {
    expect(formatOf(value)).toBe('@');
  });

  it.each([['plain words'], ['x = y'], ['-5'], ['+2.5%'], ['- 2'], [''], [-5], [0.036]])(
    'leaves %j General',
    (value) => {
      expect(formatOf(value)).toBeUndefined();
    },
  );
});
