/** The project's own suite selects adapters exactly as dbmatrix/jest does for a user's tests. */
export { selectedAdapters } from '../../test-helper/selection';
