// cluster-key-slot (ioredis' own slot function) ships no types.
declare module 'cluster-key-slot' {
  /** The Redis Cluster hash slot (0-16383) of a key, honouring `{hash tags}`. */
  function calculateSlot(key: string | Buffer): number;
  namespace calculateSlot {
    /** The one slot of all the keys, or -1 when they span several. */
    function generateMulti(keys: (string | Buffer)[]): number;
  }
  export = calculateSlot;
}
