/** The most a past report's workbook may hold once unzipped: a real one is well under a megabyte. */
export const XLSX_MAX_UNZIPPED_BYTES = 20_000_000;
const XLSX_MAX_PARTS = 500;

/**
 * Whether a workbook's zip declares more than a past report could need, read from its central directory before
 * anything is inflated, so an ordinary zip bomb is refused without being opened. A zip that lies about its sizes
 * gets past this check (see the README's Past years).
 */
export function xlsxTooLarge(bytes: Buffer): boolean {
  let total = 0;
  let parts = 0;
  for (
    let at = bytes.indexOf(CENTRAL);
    at >= 0 && at + 46 <= bytes.length;
    at = bytes.indexOf(CENTRAL, at + 4)
  ) {
    total += bytes.readUInt32LE(at + 24);
    parts += 1;
    if (total > XLSX_MAX_UNZIPPED_BYTES || parts > XLSX_MAX_PARTS) return true;
  }
  return false;
}

const CENTRAL = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
