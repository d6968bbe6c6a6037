// Not a sample: the `llm` the v3 publishing sample calls and never defines. A
// stand-in that answers at once.
export const llm = {
  async generateResponse(prompt: string): Promise<string> {
    return `An answer to: ${prompt}`;
  },
};
