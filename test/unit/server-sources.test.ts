import { configuredServers } from '../../servers/resolve';

describe('where servers are given: the command line, else the environment, else the config file', () => {
  const env = { DBMATRIX_POSTGRES_URL: 'postgres://env/x', DBMATRIX_POSTGRES_IMAGE: 'postgres:16' };
  const config = { servers: { postgres: ['postgres://config/1', 'postgres://config/2'] }, images: { postgres: 'postgres:13,postgres:17' } };

  test('a flag outranks the environment and the config file, an image flag even a URL from them', () => {
    expect(configuredServers('postgres', { images: { postgres: 'postgres:17' }, env, config })).toEqual({
      urls: [],
      images: [{ value: 'postgres:17', from: '--postgres-image' }],
    });
    expect(configuredServers('postgres', { urls: { postgres: ['postgres://flag/1'] }, images: { postgres: 'postgres:17' }, env, config })).toEqual({
      urls: [{ value: 'postgres://flag/1', from: '--postgres-url' }],
      images: [],
    });
  });

  test('the environment outranks the config file', () => {
    expect(configuredServers('postgres', { env, config })).toEqual({ urls: [{ value: 'postgres://env/x', from: 'DBMATRIX_POSTGRES_URL' }], images: [] });
    expect(configuredServers('postgres', { env: { DBMATRIX_POSTGRES_IMAGE: 'postgres:16' }, config })).toEqual({
      urls: [],
      images: [{ value: 'postgres:16', from: 'DBMATRIX_POSTGRES_IMAGE' }],
    });
  });

  test('the config file counts when nothing else gives the adapter a server; an image list is split at commas, URLs never', () => {
    expect(configuredServers('postgres', { env: {}, config })).toEqual({
      urls: [
        { value: 'postgres://config/1', from: "the config file's servers.postgres" },
        { value: 'postgres://config/2', from: "the config file's servers.postgres" },
      ],
      images: [],
    });
    expect(configuredServers('postgres', { env: {}, config: { images: config.images } })).toEqual({
      urls: [],
      images: [
        { value: 'postgres:13', from: "the config file's images.postgres" },
        { value: 'postgres:17', from: "the config file's images.postgres" },
      ],
    });
    expect(configuredServers('postgres', { env: {} })).toEqual({ urls: [], images: [] });
    // Another adapter's servers are not this one's.
    expect(configuredServers('mysql', { env, config })).toEqual({ urls: [], images: [] });
  });
});
