//! The openCypher compile-time error codes, named as the TCK names them.

/// The broad class the TCK reports an error under (`a SyntaxError should be raised …`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCategory {
    /// Grammar and static semantics.
    SyntaxError,
    /// A statically known type mismatch.
    TypeError,
}

impl ErrorCategory {
    /// The TCK's name: `SyntaxError`, `TypeError`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorCategory::SyntaxError => "SyntaxError",
            ErrorCategory::TypeError => "TypeError",
        }
    }

    /// Lower-case words for messages: "semantic error", "type error".
    pub fn to_lowercase_words(self) -> &'static str {
        match self {
            ErrorCategory::SyntaxError => "semantic error",
            ErrorCategory::TypeError => "type error",
        }
    }
}

macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $code:ident => $category:ident,)*) => {
        /// A compile-time error code. Grammatical codes come from the lexer and parser, the rest
        /// from semantic analysis.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[doc = $doc])* $code,)*
        }

        impl ErrorCode {
            /// The TCK's name for the code, e.g. `UndefinedVariable`.
            pub fn name(self) -> &'static str {
                match self {
                    $(ErrorCode::$code => stringify!($code),)*
                }
            }

            /// The class the TCK raises it under.
            pub fn category(self) -> ErrorCategory {
                match self {
                    $(ErrorCode::$code => ErrorCategory::$category,)*
                }
            }
        }
    };
}

error_codes! {
    /// The text does not follow the grammar.
    UnexpectedSyntax => SyntaxError,
    /// A malformed number such as `0x` or `1.2.3` or `9a`.
    InvalidNumberLiteral => SyntaxError,
    /// An integer literal outside the 64-bit range.
    IntegerOverflow => SyntaxError,
    /// A float literal outside the double range.
    FloatingPointOverflow => SyntaxError,
    /// A malformed `\u` escape.
    InvalidUnicodeLiteral => SyntaxError,
    /// A character that cannot start any token.
    InvalidUnicodeCharacter => SyntaxError,
    /// A variable used before it is defined.
    UndefinedVariable => SyntaxError,
    /// A variable introduced again where a new one is required.
    VariableAlreadyBound => SyntaxError,
    /// A variable used as a different kind (node, relationship, path, value) than it is.
    VariableTypeConflict => SyntaxError,
    /// An aggregation where none may stand (WHERE, ORDER BY without aggregation, arguments).
    InvalidAggregation => SyntaxError,
    /// An aggregation inside an aggregation.
    NestedAggregation => SyntaxError,
    /// An expression mixing aggregation with values that are not grouping keys.
    AmbiguousAggregationExpression => SyntaxError,
    /// A non-deterministic expression where a constant one is required.
    NonConstantExpression => SyntaxError,
    /// An argument whose type is statically wrong.
    InvalidArgumentType => SyntaxError,
    /// A function called with too few or too many arguments.
    InvalidNumberOfArguments => SyntaxError,
    /// A call of a function that does not exist.
    UnknownFunction => SyntaxError,
    /// A parameter where a map literal is required (`MATCH (n $props)`).
    InvalidParameterUse => SyntaxError,
    /// Clauses combined in a way the language forbids.
    InvalidClauseComposition => SyntaxError,
    /// Parts of a `UNION` with different columns.
    DifferentColumnsInUnion => SyntaxError,
    /// Two columns of one projection with the same name.
    ColumnNameConflict => SyntaxError,
    /// A `WITH` item that is an expression without `AS`.
    NoExpressionAlias => SyntaxError,
    /// `RETURN *` or `WITH *` with no variable in scope.
    NoVariablesInScope => SyntaxError,
    /// A relationship to create or merge without exactly one type.
    NoSingleRelationshipType => SyntaxError,
    /// A relationship to create or merge without a direction.
    RequiresDirectedRelationship => SyntaxError,
    /// A variable-length relationship in CREATE or MERGE.
    CreatingVarLength => SyntaxError,
    /// A malformed relationship pattern.
    InvalidRelationshipPattern => SyntaxError,
    /// One relationship variable used twice in one pattern.
    RelationshipUniquenessViolation => SyntaxError,
    /// `DELETE` of something that is not a node, relationship or path.
    InvalidDelete => SyntaxError,
    /// A value that cannot be a property value.
    InvalidPropertyType => TypeError,
}

impl ErrorCode {
    /// Whether the code is raised by the lexer or parser rather than by semantic analysis.
    pub fn is_grammatical(self) -> bool {
        matches!(
            self,
            ErrorCode::UnexpectedSyntax
                | ErrorCode::InvalidNumberLiteral
                | ErrorCode::IntegerOverflow
                | ErrorCode::FloatingPointOverflow
                | ErrorCode::InvalidUnicodeLiteral
                | ErrorCode::InvalidUnicodeCharacter
        )
    }
}
