// Completion of arguments and template variables: the candidates that start with what was typed (ignoring case),
// at most 100 (the protocol's page). Completion never fails: on any error it offers nothing.

const COMPLETIONS_MAX = 100;

export async function complete(candidates: () => Promise<string[]>, typed: string): Promise<string[]> {
  try {
    const prefix = typed.toLowerCase();
    return (await candidates()).filter((c) => c.toLowerCase().startsWith(prefix)).slice(0, COMPLETIONS_MAX);
  } catch {
    return [];
  }
}
