/**
 * A multipart file's name as the person saw it. Browsers (WHATWG HTML's multipart/form-data encoding) and curl
 * send `"`, CR and LF in a file's name as `%22`, `%0D` and `%0A`, and nothing else percent-encoded (not even `%`
 * itself), so those three, in capitals as sent, are turned back and nothing else is: `report "final".pdf` was
 * stored as `report %22final%22.pdf`. A CR or LF comes back as itself, for the name's rules to refuse as the
 * control character it is rather than keep as three characters the person never typed.
 */
export function fileNameAsSeen(sent: string): string {
  return sent.replace(/%(22|0D|0A)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
