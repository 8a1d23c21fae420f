// The workload-definition API as 'dbmatrix' exports it: what a workload file imports. It lives with the workloads
// (matrix/workloads/define.ts), which use it too, so nothing below the surfaces imports from api/.
export * from '../matrix/workloads/define';
