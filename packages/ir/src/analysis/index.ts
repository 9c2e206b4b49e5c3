// Analyses over a Function: control-flow graph, dominator tree, natural
// loops, their text forms and the corpus checks that use them.
export * from './cfg';
export * from './domtree';
export * from './loops';
export * from './print';
export * from './filecheck';
export * from './source-lines';
export * from './filetests';
