# The stand-in for the official mariadb image that docker/local/build-local-images.sh builds from Debian's packages
# (sourced by it): the image's name, as server.ts's localImage names it, the packages, a command run in its root
# filesystem, and `docker import` options. Debian ships MariaDB only, so there is no MySQL stand-in.
IMAGE=dbmatrix-local/mariadb:10.11
PACKAGES=mariadb-server,mariadb-client
SETUP=true
IMPORT=(-c 'EXPOSE 3306')
