window.YTD.profile.part0 = [
  {
    "profile" : {
      "description" : {
        "bio" : "Dermatologist. Mentoring students who want to try derm research.",
        "website" : "https://example.org/ayla",
        "location" : "Somewhere sunny"
      },
      "avatarMediaUrl" : "https://example.org/a.jpg",
      "headerMediaUrl" : ""
    }
  }
]
