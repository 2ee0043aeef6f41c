//! AWS regions, offered for completion of `:region` (any region name is accepted).

/// Whether `name` is spelt as AWS regions are (`us-east-1`, `us-gov-west-1`, `eu-central-2`):
/// new regions are accepted, a typo such as `useast1` or `us-east` is not.
pub fn looks_like_region(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    let letters = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
    match parts[..] {
        [area, .., place, n] => {
            area.len() == 2
                && letters(area)
                && letters(place)
                && parts[1..parts.len() - 1].iter().all(|p| letters(p))
                && parts.len() <= 5
                && !n.is_empty()
                && n.len() <= 2
                && n.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    }
}

/// Regions offered for completion of `:region` (any region name is accepted).
pub const REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-south-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "me-south-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

#[cfg(test)]
mod tests {
    #[test]
    fn region_names_are_checked_by_their_shape() {
        for ok in
            ["us-east-1", "eu-central-2", "us-gov-west-1", "ap-southeast-7", "mx-central-1", "cn-north-1"]
        {
            assert!(super::looks_like_region(ok), "{ok}");
        }
        for bad in ["useast1", "us-east", "us-east-1x", "US-EAST-1", "", "us--1", "us-east-1 ", "u-east-1"] {
            assert!(!super::looks_like_region(bad), "{bad}");
        }
    }
}
