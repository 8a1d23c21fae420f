// jstat ships no types; this declares the one function dbmatrix uses.
declare module 'jstat' {
  export const jStat: {
    /** Student's t distribution. */
    studentt: {
      /** Quantile: the t below which a share p of the distribution lies, for dof degrees of freedom. */
      inv(p: number, dof: number): number;
    };
  };
}
