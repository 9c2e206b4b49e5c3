// The text format reader's public API.
export { WatError, textPosition, type TextPosition } from './errors';
export { parseWat, parseWatModule, type WatOptions, type WatSource } from './wat';
export { parseWast, type WastScript, type ScriptCommand, type ScriptCommandType, type ScriptAction, type ScriptValue } from './script';
