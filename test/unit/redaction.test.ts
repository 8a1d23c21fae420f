import { redactedUrl } from '../../adapters/contract';

describe('redactedUrl', () => {
  test.each([
    ['no password', 'postgres://postgres@127.0.0.1:5432/test', 'postgres://postgres@127.0.0.1:5432/test'],
    ['an empty password', 'mysql://root:@127.0.0.1:3306/test', 'mysql://root:@127.0.0.1:3306/test'],
    ['an encoded password', 'postgres://u:p%2Fw%40x@h:5432/db', 'postgres://u:***@h:5432/db'],
    ["an unencoded '/' and '@'", 'postgres://u:p/w@x@h:5432/db', 'postgres://u:***@h:5432/db'],
    ["an unencoded '/' a URL parser reads as a port", 'postgres://u:12/ss@host/db', 'postgres://u:***@host/db'],
    ["an unencoded '?'", 'mysql://u:p?x@h/db', 'mysql://u:***@h/db'],
    ['?password=', 'postgres://u@h/db?password=secret&sslmode=disable', 'postgres://u@h/db?password=***&sslmode=disable'],
    ['&PASSWORD= in capitals', 'postgres://u@h/db?sslmode=disable&PASSWORD=s%2Fx', 'postgres://u@h/db?sslmode=disable&PASSWORD=***'],
    ['&sslpassword=', 'postgres://u@h/db?sslpassword=k&x=1', 'postgres://u@h/db?sslpassword=***&x=1'],
    ['both forms at once', 'mysql://u:a@h/db?password=b', 'mysql://u:***@h/db?password=***'],
  ])('%s', (_what, url, shown) => {
    expect(redactedUrl(url)).toBe(shown);
  });
});
