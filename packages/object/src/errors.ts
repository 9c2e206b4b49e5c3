export type ObjectErrorKind =
  | 'duplicate-definition'
  | 'duplicate-declaration'
  | 'undefined-symbol'
  | 'undeclared-symbol'
  | 'define-import'
  | 'bad-id'
  | 'bad-definition'
  | 'unsupported-relocation'
  | 'unsupported-target';

/** Every error the object writer reports: what is wrong and with which symbol. */
export class ObjectError extends Error {
  override readonly name = 'ObjectError';
  constructor(
    readonly kind: ObjectErrorKind,
    message: string,
    /** The symbol (and where known, the offset inside its definition) the error is about. */
    readonly location: { readonly symbol?: string; readonly offset?: number } = {},
  ) {
    super((location.symbol !== undefined ? `${location.symbol}${location.offset !== undefined ? `+${location.offset}` : ''}: ` : '') + message);
  }
}
