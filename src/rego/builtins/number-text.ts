/**
 * A number kept as its source text, for host built-ins that must see big integers exactly (the
 * SDK's JSON.parse rounds them to doubles). The one lossless reader that produces these is
 * parseRegoText (rego-text.ts), which reads JSON as well as Rego's set literals.
 */
export class NumberText {
  constructor(readonly text: string) {}
}
