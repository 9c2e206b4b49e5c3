// Shared build of one package (run from the package directory): ESM bundle plus one .d.ts.
import { readFileSync } from 'node:fs';
import esbuild from 'rollup-plugin-esbuild';
import { dts } from 'rollup-plugin-dts';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const deps = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies });
// Node built-ins stay imports (only @windlass/runtime and @windlass/cli use them: ESLint and the
// browser-bundle test keep them out of the other packages).
const external = (id) => id.startsWith('node:') || deps.some((d) => id === d || id.startsWith(`${d}/`));
// A package that imports another without declaring it would publish broken: fail the build.
const onwarn = (warning, warn) => {
  if (warning.code === 'UNRESOLVED_IMPORT') throw new Error(`${pkg.name}: imports ${warning.exporter} without declaring it in package.json dependencies`);
  warn(warning);
};

export default [
  {
    input: 'src/index.ts',
    external,
    onwarn,
    output: { file: 'dist/index.js', format: 'es', sourcemap: true },
    plugins: [esbuild({ target: 'es2022', tsconfig: 'tsconfig.json' })],
  },
  {
    input: 'src/index.ts',
    external,
    output: { file: 'dist/index.d.ts', format: 'es' },
    plugins: [dts({ tsconfig: 'tsconfig.json' })],
  },
];
