/** An npm script's command as the scripts export it: the environment, its arguments, where it writes. */
export type ScriptCommand = (
  env: Record<string, string | undefined>,
  args: readonly string[],
  out: { write(text: string): unknown },
  err: { write(text: string): unknown },
) => Promise<number>;

/** Runs a script's command in the test's process, capturing what it writes, as the operator would see it. */
export async function runScript(
  command: ScriptCommand,
  env: Record<string, string | undefined>,
  args: readonly string[],
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await command(
    env,
    args,
    { write: (t: string) => out.push(t) },
    { write: (t: string) => err.push(t) },
  );
  return { code, out: out.join(''), err: err.join('') };
}
