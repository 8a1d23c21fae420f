# The stand-in for the official postgres image that docker/local/build-local-images.sh builds from Debian's packages
# (sourced by it): the image's name, as server.ts's localImage names it, the packages, a command run in its root
# filesystem, and `docker import` options.
IMAGE=dbmatrix-local/postgres:15
PACKAGES=postgresql-15
# pg_isready on PATH without Debian's wrapper: Testcontainers' health check calls it.
SETUP='ln -sf /usr/lib/postgresql/15/bin/pg_isready usr/local/bin/pg_isready'
IMPORT=(-c 'EXPOSE 5432' -c 'ENV PGDATA=/var/lib/postgresql/data')
