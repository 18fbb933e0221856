//! `text_form!`: the `FromStr` and `Display` impls of the core types that have a text
//! form (`Element`, `Country`, `Month`), written once. `FromStr` goes through the type's own
//! `parse`, so `"nd".parse::<Element>()` and `Element::parse("nd")` give the same result
//! and the same error.

/// Implements `FromStr` through `<T>::parse(&str) -> Result<T, CoreError>`; with a second
/// argument, also `Display` writing what that `&str`-returning method gives.
macro_rules! text_form {
    ($t:ty) => {
        impl std::str::FromStr for $t {
            type Err = $crate::CoreError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$t>::parse(s)
            }
        }
    };
    ($t:ty, $text:ident) => {
        text_form!($t);

        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.$text())
            }
        }
    };
}
