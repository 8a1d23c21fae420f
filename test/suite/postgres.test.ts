import { describeAdapterSuite } from './adapter-suite';
import { describeOpenLoop } from './open-loop';

describeAdapterSuite('postgres');
describeOpenLoop();
