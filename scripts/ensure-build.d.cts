// The types of ensure-build.cjs, for its spec.
export declare const STAMP: string;
export declare function newestSource(root: string): number;
export declare function stampTime(root: string): number | null;
export declare function isUpToDate(stampMs: number | null, newestSourceMs: number): boolean;
export declare function build(root: string, log?: (line: string) => void, reason?: string): number;
export declare function ensureBuild(root: string, log?: (line: string) => void): number;
export declare function main(args: readonly string[], root: string, log?: (line: string) => void): number;
