// `windlass compile [--target T] FILE [-o out.o]`: print the listing of each function, or write
// an ELF object with all of them.

import { readFileSync, writeFileSync } from 'node:fs';
import { parseClif, ParseError, type Function } from '@windlass/ir';
import { applySetLine, buildIsa, settingsBuilder } from '@windlass/codegen';
import { ObjectModule } from '@windlass/object';
import { symbolName } from '@windlass/isa-x64';

function nameOf(f: Function): string {
  return symbolName(f.name);
}

/** Runs the command; returns the exit status. Output goes to the given writers. */
export function cmdCompile(args: readonly string[], out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s)): number {
  let target: string | null = null;
  let output: string | null = null;
  let file: string | null = null;
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    if (a === '--target') target = args[++k] ?? null;
    else if (a.startsWith('--target=')) target = a.slice(9);
    else if (a === '-o') output = args[++k] ?? null;
    else if (file === null) file = a;
    else {
      err(`windlass compile: unexpected argument '${a}'\n`);
      return 2;
    }
  }
  if (file === null) {
    err('usage: windlass compile [--target ISA] FILE [-o out.o]\n');
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    err(`windlass compile: cannot read ${file}: ${(e as Error).message}\n`);
    return 1;
  }
  try {
    const clif = parseClif(text, file);
    const b = settingsBuilder();
    for (const line of text.split('\n')) if (/^\s*set\s/.test(line)) applySetLine(b, line.replace(/;.*$/, '').trim());
    const flags = b.finish();
    const line = target ?? (clif.targets[0] ? [clif.targets[0].isa, ...clif.targets[0].flags].join(' ') : 'x86_64');
    const isa = buildIsa(line, flags);
    const m = output ? new ObjectModule({ target: isa.name }) : null;
    let failed = 0;
    for (const fn of clif.functions) {
      const name = nameOf(fn.func);
      try {
        const code = isa.compileFunction(fn.func, { wantListing: m === null });
        if (m) {
          const id = m.declareFunction(name, 'export');
          for (const r of code.relocations) if (r.target.kind === 'symbol' && !clif.functions.some((g) => nameOf(g.func) === (r.target as { name: string }).name)) m.declareFunction(r.target.name, 'import');
          m.defineFunction(id, code);
        } else {
          out(`function ${name} (${code.bytes.length} bytes, frame ${code.frameSize}):\n${code.listing}\n\n`);
        }
      } catch (e) {
        failed++;
        err(`${file}: ${name}: ${(e as Error).message}\n`);
      }
    }
    if (m && output) {
      // An object missing a function would only fail later, at link time: write none.
      if (failed > 0) err(`windlass compile: ${output} not written: ${failed} function${failed > 1 ? 's' : ''} failed\n`);
      else writeFileSync(output, m.finish());
    }
    return failed > 0 ? 1 : 0;
  } catch (e) {
    // A ParseError's message already starts with `file:line:column`.
    err(e instanceof ParseError ? `${e.message}\n` : `${file}: ${(e as Error).message}\n`);
    return 1;
  }
}
