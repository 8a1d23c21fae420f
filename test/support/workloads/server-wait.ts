import { busyClientWorkload } from './busy-client';

/** 5 ms waited on the server per operation, the client idle. */
export default busyClientWorkload('server-wait', 'server', 5);
