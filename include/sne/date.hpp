/// @file
/// A calendar date (proleptic Gregorian), the unit of every rule of the domain.
///
/// Dates are plain values: no time zone, no time of day, from 0001-01-01 to 9999-12-31; arithmetic
/// saturates at those bounds instead of leaving them.
#pragma once

#include <string>
#include <string_view>

#include "sne/error.hpp"
#include "sne/export.hpp"

namespace sne {

/// ISO 8601 weekday numbers: Monday is 1, Sunday is 7.
enum class Weekday { monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday };

/// A calendar date (year, month, day), from 0001-01-01 to 9999-12-31. A small value type:
/// copy it freely; comparisons follow the calendar.
class SNE_EXPORT Date {
 public:
  /// 1970-01-01.
  Date() = default;

  /// A valid date, or an invalid_input error naming the faulty part ("day 31 is not in 2024-04").
  static Result<Date> from_ymd(int year, int month, int day);
  /// Today, in the machine's local time zone.
  static Date today();
  /// Parses exactly "YYYY-MM-DD".
  static Result<Date> parse(std::string_view iso);
  /// The date `days` days after 1970-01-01 (negative: before), clamped to 0001-01-01 and
  /// 9999-12-31.
  static Date from_days(long days) noexcept;
  /// 0001-01-01, the first date a Date holds.
  static Date min() noexcept { return Date(1, 1, 1); }
  /// 9999-12-31, the last date a Date holds.
  static Date max() noexcept { return Date(9999, 12, 31); }

  /// The year, 1 to 9999.
  int year() const noexcept { return year_; }
  /// The month, 1 to 12.
  int month() const noexcept { return month_; }
  /// The day of the month, 1 to 31.
  int day() const noexcept { return day_; }

  /// Days since 1970-01-01 (negative before it).
  long days() const noexcept;
  /// The ISO weekday of the date.
  Weekday weekday() const noexcept;
  /// True on Saturday and Sunday (public holidays are sne/calendar.hpp's business).
  bool is_weekend() const noexcept;
  /// `n` days later (earlier when n < 0), clamped to min() and max().
  Date plus_days(long n) const noexcept;
  /// The same day `n` months later (or earlier), clamped to the end of a shorter month
  /// (2024-01-31 plus 1 month is 2024-02-29) and to min() and max().
  Date plus_months(int n) const noexcept;
  /// "YYYY-MM-DD".
  std::string iso() const;

  /// True when `a` and `b` are the same day.
  friend bool operator==(const Date& a, const Date& b) noexcept { return a.key() == b.key(); }
  /// True when `a` and `b` are different days.
  friend bool operator!=(const Date& a, const Date& b) noexcept { return a.key() != b.key(); }
  /// True when `a` comes before `b`.
  friend bool operator<(const Date& a, const Date& b) noexcept { return a.key() < b.key(); }
  /// True when `a` comes before `b` or is the same day.
  friend bool operator<=(const Date& a, const Date& b) noexcept { return a.key() <= b.key(); }
  /// True when `a` comes after `b`.
  friend bool operator>(const Date& a, const Date& b) noexcept { return a.key() > b.key(); }
  /// True when `a` comes after `b` or is the same day.
  friend bool operator>=(const Date& a, const Date& b) noexcept { return a.key() >= b.key(); }

 private:
  Date(int y, int m, int d) noexcept : year_(y), month_(m), day_(d) {}
  long key() const noexcept { return (long(year_) * 16 + month_) * 32 + day_; }
  int year_ = 1970;
  int month_ = 1;
  int day_ = 1;
};

/// Number of days in a month of a year (28 to 31); 0 when month is not 1-12.
SNE_EXPORT int days_in_month(int year, int month) noexcept;
/// True when `year` is a Gregorian leap year (divisible by 4, not by 100 unless by 400).
SNE_EXPORT bool is_leap_year(int year) noexcept;

/// Easter Sunday of a Gregorian year. Precondition: 1583 <= year <= 9999 (other years give
/// 1970-01-01).
SNE_EXPORT Date easter_sunday(int year) noexcept;

/// The French name of a weekday, lower-case ("mercredi").
SNE_EXPORT std::string_view weekday_name_fr(Weekday day) noexcept;

/// The French name of a month, lower-case ("août").
SNE_EXPORT std::string_view month_name_fr(int month) noexcept;

}  // namespace sne
