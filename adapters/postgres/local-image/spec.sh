# The stand-ins for the official postgres image that docker/local/build-local-images.sh builds from Debian's packages
# (sourced by it with VERSION set to one of VERSIONS): the image's name, the packages, the package whose version must
# begin with VERSION, a command run in its root filesystem, and `docker import` options.
# Each version with the Debian suite that ships it; the first is the one built when no version is asked for, and the
# one server.ts's localImage names.
VERSIONS=(15:bookworm 13:bullseye 17:trixie)
IMAGE=dbmatrix-local/postgres:$VERSION
PACKAGES=postgresql-$VERSION
VERSION_PACKAGE=postgresql-$VERSION
# pg_isready on PATH without Debian's wrapper: Testcontainers' health check calls it.
SETUP="ln -sf /usr/lib/postgresql/$VERSION/bin/pg_isready usr/local/bin/pg_isready"
IMPORT=(-c 'EXPOSE 5432' -c 'ENV PGDATA=/var/lib/postgresql/data')
