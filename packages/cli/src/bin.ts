// The `windlass` executable's entry when run from the sources (bin/windlass.mjs, in the repository).
import { runCli } from './main';

runCli();
