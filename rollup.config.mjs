// Shared build of one package (run from the package directory): ESM into dist/ plus one .d.ts.
// A package with more entry points (the command line's worker thread) or lazily loaded parts
// (dynamic `import()`: chunks beside index.js) builds with `packageConfig({ entries })` from a
// rollup.config.mjs of its own.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import esbuild from 'rollup-plugin-esbuild';
import { dts } from 'rollup-plugin-dts';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const deps = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies });
// Only the Node-only packages (the command line and the AOT runtime; ESLint has the same list)
// may import Node built-ins; in any other package's dist such an import fails the build.
const nodeOnly = ['@windlass/cli', '@windlass/runtime'].includes(pkg.name);
const isBuiltin = (id) => id.startsWith('node:') || builtinModules.includes(id.split('/')[0]);
const external = (id) => {
  if (isBuiltin(id)) {
    if (nodeOnly) return true;
    throw new Error(`${pkg.name}: imports the Node built-in '${id}'; only @windlass/cli and @windlass/runtime may (core packages run in any JavaScript engine)`);
  }
  return deps.some((d) => id === d || id.startsWith(`${d}/`));
};
// A package that imports another without declaring it would publish broken: fail the build.
const onwarn = (warning, warn) => {
  if (warning.code === 'UNRESOLVED_IMPORT') throw new Error(`${pkg.name}: imports ${warning.exporter} without declaring it in package.json dependencies`);
  warn(warning);
};

/** The build: `src/index.ts` (and `entries`, name -> source) to `dist/NAME.js`, types to `dist/index.d.ts`. */
export function packageConfig({ entries = {} } = {}) {
  return [
    {
      input: { index: 'src/index.ts', ...entries },
      external,
      onwarn,
      output: { dir: 'dist', format: 'es', sourcemap: true, entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      plugins: [esbuild({ target: 'es2022', tsconfig: 'tsconfig.json' })],
    },
    {
      input: 'src/index.ts',
      external,
      output: { file: 'dist/index.d.ts', format: 'es' },
      plugins: [dts({ tsconfig: 'tsconfig.json' })],
    },
  ];
}

export default packageConfig();
