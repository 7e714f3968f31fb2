// A Jest environment that remembers whether any test or hook failed, so suites
// that start the test bed can print the components' log tails only then.
import { TestEnvironment } from 'jest-environment-node';

export default class FailureAwareEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__testFailures = { count: 0 };
  }

  async handleTestEvent(event) {
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') {
      this.global.__testFailures.count += 1;
    }
  }
}
