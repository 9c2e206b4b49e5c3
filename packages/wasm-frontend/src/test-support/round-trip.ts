// What a test checks of every translated function: the CLIF text Windlass prints parses back to
// a structurally equal function (`windlass wasm` output is valid input to `windlass compile`).
import { functionDiff, parseFunction, printFunction, type Function } from '@windlass/ir';

/** Why `f` does not survive print + parse, or null when it does. */
export function roundTripProblem(f: Function): string | null {
  const text = printFunction(f);
  try {
    return functionDiff(f, parseFunction(text));
  } catch (e) {
    return `its printed IR does not parse: ${e instanceof Error ? e.message : String(e)}`;
  }
}
