//! Where the database is: a SQLite file (the default) or a PostgreSQL URL,
//! as `vitrine serve --db` and the settings file take it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::StoreError;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// An embedded SQLite file: one node.
    Sqlite,
    /// A PostgreSQL server: any number of nodes on one database.
    Postgres,
}

impl Backend {
    /// `sqlite` or `postgres`.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A database location.
///
/// Parsed from `postgres://…` / `postgresql://…` (a PostgreSQL URL, with
/// any of libpq's parameters sqlx understands, such as `sslmode` or
/// `options=-c search_path=…`), `sqlite:PATH`, or a plain path (SQLite).
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    /// A SQLite file, created if missing.
    Sqlite(PathBuf),
    /// A PostgreSQL URL.
    Postgres(String),
}

/// Why a `--db` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocationError {
    /// Empty.
    #[error("the database location is empty")]
    Empty,
    /// A URL of a database Vitrine does not run on.
    #[error("unsupported database `{0}`: give a SQLite path (or sqlite:PATH) or a postgres:// URL")]
    Unsupported(String),
    /// A PostgreSQL URL that does not parse.
    #[error("the PostgreSQL URL does not parse: {0}")]
    BadUrl(String),
}

impl FromStr for Location {
    type Err = LocationError;

    fn from_str(s: &str) -> Result<Location, LocationError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(LocationError::Empty);
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            url::Url::parse(s).map_err(|e| LocationError::BadUrl(e.to_string()))?;
            return Ok(Location::Postgres(s.to_owned()));
        }
        if let Some(path) = s
            .strip_prefix("sqlite://")
            .or_else(|| s.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err(LocationError::Empty);
            }
            return Ok(Location::Sqlite(PathBuf::from(path)));
        }
        // `mysql://…`, `http://…`: a scheme we do not run on (a Windows
        // drive letter `C:\…` has no `//`).
        if let Some((scheme, _)) = s.split_once("://")
            && !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+')
        {
            return Err(LocationError::Unsupported(scheme.to_owned()));
        }
        Ok(Location::Sqlite(PathBuf::from(s)))
    }
}

impl From<PathBuf> for Location {
    fn from(path: PathBuf) -> Location {
        Location::Sqlite(path)
    }
}

impl From<&Path> for Location {
    fn from(path: &Path) -> Location {
        Location::Sqlite(path.to_owned())
    }
}

impl Location {
    /// Which database it is.
    pub fn backend(&self) -> Backend {
        match self {
            Location::Sqlite(_) => Backend::Sqlite,
            Location::Postgres(_) => Backend::Postgres,
        }
    }

    /// The SQLite file, if it is one.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            Location::Sqlite(path) => Some(path),
            Location::Postgres(_) => None,
        }
    }

    /// The URL sqlx's `Any` driver connects to. A SQLite path is made
    /// absolute and percent-encoded (so that spaces, `?` or `#` in it stay
    /// part of the name); `read_only` opens it read-only, otherwise it is
    /// created if missing.
    pub(crate) fn sqlx_url(&self, read_only: bool) -> Result<String, StoreError> {
        match self {
            Location::Postgres(url) => Ok(url.clone()),
            Location::Sqlite(path) => {
                let absolute = std::path::absolute(path)
                    .map_err(|e| StoreError::Write(format!("{}: {e}", path.display())))?;
                let url = url::Url::from_file_path(&absolute).map_err(|()| {
                    StoreError::Write(format!("{} is not a usable path", path.display()))
                })?;
                let mode = if read_only { "ro" } else { "rwc" };
                Ok(format!("sqlite://{}?mode={mode}", url.path()))
            }
        }
    }
}

impl fmt::Display for Location {
    /// The path, or the URL without its password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite(path) => write!(f, "{}", path.display()),
            Location::Postgres(url) => match url::Url::parse(url) {
                Ok(mut parsed) => {
                    if parsed.password().is_some() {
                        let _ = parsed.set_password(Some("***"));
                    }
                    write!(f, "{parsed}")
                }
                Err(_) => f.write_str("postgres://…"),
            },
        }
    }
}

impl Location {
    /// The location as given: the path, or the whole URL (password
    /// included; [`Display`](fmt::Display) hides it).
    pub fn as_given(&self) -> String {
        match self {
            Location::Sqlite(path) => path.display().to_string(),
            Location::Postgres(url) => url.clone(),
        }
    }
}

impl serde::Serialize for Location {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.as_given())
    }
}

impl<'de> serde::Deserialize<'de> for Location {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Location, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Location({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_location_is_a_path_a_sqlite_url_or_a_postgres_url() {
        assert_eq!(
            "vitrine.db".parse::<Location>().unwrap(),
            Location::Sqlite("vitrine.db".into())
        );
        assert_eq!(
            "sqlite:/var/lib/v.db".parse::<Location>().unwrap(),
            Location::Sqlite("/var/lib/v.db".into())
        );
        assert_eq!(
            "postgres://u@db:5432/vitrine".parse::<Location>().unwrap(),
            Location::Postgres("postgres://u@db:5432/vitrine".into())
        );
        assert_eq!(
            "mysql://u@db/v".parse::<Location>(),
            Err(LocationError::Unsupported("mysql".into()))
        );
        assert_eq!("  ".parse::<Location>(), Err(LocationError::Empty));
        assert_eq!("sqlite:".parse::<Location>(), Err(LocationError::Empty));
        assert!(matches!(
            "postgres://u@[::1".parse::<Location>(),
            Err(LocationError::BadUrl(_))
        ));
    }

    #[test]
    fn a_password_is_never_shown() {
        let location: Location = "postgres://vitrine:s3cret@db/v".parse().unwrap();
        assert_eq!(location.to_string(), "postgres://vitrine:***@db/v");
        assert!(!format!("{location:?}").contains("s3cret"));
    }

    #[test]
    fn odd_characters_in_a_sqlite_path_stay_in_the_name() {
        let url = Location::Sqlite("/tmp/a b?c#d%e.db".into())
            .sqlx_url(false)
            .unwrap();
        assert_eq!(url, "sqlite:///tmp/a%20b%3Fc%23d%25e.db?mode=rwc");
    }
}
