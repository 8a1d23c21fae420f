import { describeAdapterSuite } from './adapter-suite';

describeAdapterSuite('mysql');
