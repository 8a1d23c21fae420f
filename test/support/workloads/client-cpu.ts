import { busyClientWorkload } from './busy-client';

/** 5 ms of client CPU per operation. */
export default busyClientWorkload('client-cpu', 'client', 5);
