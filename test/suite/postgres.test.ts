import { describeAdapterSuite } from './adapter-suite';

describeAdapterSuite('postgres');
