"""Appeals and the ombudspersons' files come with the appeals issue."""
