# The stand-ins for the official mariadb image that docker/local/build-local-images.sh builds from Debian's packages
# (sourced by it with VERSION set to one of VERSIONS): the image's name, the packages, the package whose version must
# begin with VERSION, a command run in its root filesystem, and `docker import` options. Debian ships MariaDB only, so
# there is no MySQL stand-in.
# Each version with the Debian suite that ships it; the first is the one built when no version is asked for, and the
# one server.ts's localImage names.
VERSIONS=(10.11:bookworm 10.5:bullseye 11.8:trixie)
IMAGE=dbmatrix-local/mariadb:$VERSION
PACKAGES=mariadb-server,mariadb-client
VERSION_PACKAGE=mariadb-server
SETUP=true
IMPORT=(-c 'EXPOSE 3306')
