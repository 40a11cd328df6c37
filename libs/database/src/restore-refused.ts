/** A restore refused before anything was written (not a backup, or a target that holds data not to be replaced). */
export class RestoreRefused extends Error {}
